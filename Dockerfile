FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY projections projections
COPY api api
COPY workers workers
COPY readside readside
COPY wiring wiring
COPY ticketing ticketing
RUN pip install --no-cache-dir .
USER nobody
EXPOSE 8000
CMD ["ticketing", "serve", "--host", "0.0.0.0", "--port", "8000"]
