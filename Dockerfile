# syntax=docker/dockerfile:1
# Tally: build with Maven, run on a slim JRE as a non-root user.
#   docker build -t tally .
#   docker run -v $PWD/tally.yaml:/etc/tally/tally.yaml:ro -v tally-state:/var/lib/tally -p 8080:8080 tally
# or configure from the environment (see docker/entrypoint.sh and docs/operating.md).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl service -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 tally \
 && useradd --system --uid 10001 --gid tally --home-dir /var/lib/tally --shell /usr/sbin/nologin tally \
 && mkdir -p /var/lib/tally /etc/tally \
 && chown tally:tally /var/lib/tally
COPY --from=build /src/service/target/lib/ /opt/tally/lib/
COPY --from=build /src/service/target/tally-service.jar /opt/tally/tally-service.jar
COPY --chmod=0755 docker/entrypoint.sh docker/healthcheck.sh /opt/tally/
ENV TALLY_CLASSPATH="/opt/tally/tally-service.jar:/opt/tally/lib/*" \
    TALLY_CONFIG=/etc/tally/tally.yaml \
    TALLY_STATE_DIR=/var/lib/tally \
    TALLY_HTTP_BIND=0.0.0.0 \
    TALLY_HTTP_PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=50"
# Local state is a cache of the changelog topics: a volume keeps restarts from replaying them.
VOLUME /var/lib/tally
EXPOSE 8080
USER tally
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/opt/tally/healthcheck.sh"]
ENTRYPOINT ["/opt/tally/entrypoint.sh"]
