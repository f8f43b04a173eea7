# Grafana with the SLOGuard plugin, built from this repository: a Go stage builds the
# backend with mage, a Node stage builds the front end, and the Grafana image gets both.
FROM golang:1.26-bookworm AS backend
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY Magefile.go plugin.json ./
COPY pkg ./pkg
RUN go tool mage -v build:backend

FROM node:20-bookworm AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .config ./.config
COPY tsconfig.json webpack.config.ts plugin.json ./
COPY src ./src
RUN npm run build

FROM grafana/grafana:13.1.0
COPY --from=frontend /src/dist /var/lib/grafana/plugins/sloguard-slo-datasource
COPY --from=backend /src/dist/ /var/lib/grafana/plugins/sloguard-slo-datasource/
