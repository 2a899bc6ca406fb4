# The klima-pipeline code location: a Dagster code server on port 4000 that the webserver
# and the daemon load the definitions from. Runs launched from it (the Helm chart's run
# pods, or the default launcher's subprocesses) use this same image.
#
#   docker build -t klima-pipeline:0.1.0 .
#   docker run -p 4000:4000 -v klima-data:/data klima-pipeline:0.1.0
#
# docs/operations.md (Beyond one machine) explains the deployment around it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /opt/klima
COPY pyproject.toml requirements.lock README.md ./
COPY klima_pipeline ./klima_pipeline
COPY sql ./sql
# Installed in place (-e), not copied into site-packages: the code finds sql/ beside the
# package folder. The lock pins every dependency, as on a developer's machine.
RUN pip install -c requirements.lock -e ".[postgres]"

# The instance config for a run worker or CLI in this container; the Helm chart mounts its
# own over it. The connection comes from the DAGSTER_PG_* variables at run time.
ENV DAGSTER_HOME=/opt/dagster/dagster_home
COPY deploy/dagster.yaml ${DAGSTER_HOME}/dagster.yaml

# The raw exports, the published warehouse (with its .build folder, so the publishing
# rename stays on one filesystem) and the reports live on one volume at /data.
ENV KLIMA_RAW_DIR=/data/raw \
    KLIMA_WAREHOUSE=/data/warehouse/klima.duckdb \
    KLIMA_REPORTS_DIR=/data/reports
RUN useradd --uid 1000 --user-group --create-home klima \
    && mkdir -p /data/raw /data/warehouse /data/reports \
    && chown -R klima:klima /data ${DAGSTER_HOME}
VOLUME ["/data"]
USER klima

EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s \
    CMD ["dagster", "api", "grpc-health-check", "-p", "4000"]
# CMD, not ENTRYPOINT: the Helm chart passes its own full command line as arguments.
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", \
     "-m", "klima_pipeline.definitions"]
