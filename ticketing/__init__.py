"""Entry points: the command line, the ASGI factory and the demo, above the API and the wiring."""
