"""The HTTP interface: a thin Litestar layer over the HelpDesk application."""
