# Images of the local stack (docker-compose.yaml), built from this repository.
#   grafana:  Grafana with the SLOGuard plugin: a Go stage builds the backend with mage, a
#             Node stage builds the front end, and the Grafana image gets both.
#   sloguard: the sloguard command line alone (the stack's simulator and receiver).

# The Go module and sources, shared by the plugin backend and the command line.
FROM golang:1.26-bookworm AS gosrc
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY pkg ./pkg

FROM gosrc AS backend
COPY Magefile.go plugin.json ./
RUN go tool mage -v build:backend

FROM gosrc AS cli
RUN CGO_ENABLED=0 go build -trimpath -o /out/sloguard ./pkg/cmd/sloguard

FROM gcr.io/distroless/static-debian12:nonroot AS sloguard
COPY --from=cli /out/sloguard /usr/local/bin/sloguard
ENTRYPOINT ["/usr/local/bin/sloguard"]

FROM node:20-bookworm AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .config ./.config
COPY tsconfig.json webpack.config.ts plugin.json ./
COPY src ./src
RUN npm run build

FROM grafana/grafana:13.1.0 AS grafana
COPY --from=frontend /src/dist /var/lib/grafana/plugins/sloguard-slo-datasource
COPY --from=backend /src/dist/ /var/lib/grafana/plugins/sloguard-slo-datasource/
