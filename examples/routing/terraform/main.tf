# Content routing in HCL: one load balancer on loopback with two HTTP backend services (stable and canary),
# a url map routing by host and path with a 90/10 canary by weighted forward, an HTTPS listener using it, and
# an HTTP listener redirecting every request to HTTPS.
# See ../README.md: start an agent, install the provider into a mirror, then `terraform init && terraform apply`.

terraform {
  required_version = ">= 1.5"
  required_providers {
    albkit = {
      source  = "albkit/albkit"
      version = "~> 0.1"
    }
  }
}

# Endpoint and token: ALBKIT_ENDPOINT / ALBKIT_TOKEN, or the agent's state directory.
provider "albkit" {
  state_dir = var.state_dir
}

resource "albkit_load_balancer" "shop" {
  resource_id = "shop"
  name        = "shop"
  zones       = ["local-a"]
  vpc         = { cidr = "127.0.0.0/8" }
  subnet      = { cidr = "127.0.0.0/24", address = "127.0.0.1" }
}

resource "albkit_server_group" "stable" {
  resource_id   = "shop/stable-servers"
  load_balancer = albkit_load_balancer.shop.id
  servers       = [{ name = "stable", address = "127.0.0.1", port = var.server_ports[0] }]
}

resource "albkit_server_group" "canary" {
  resource_id   = "shop/canary-servers"
  load_balancer = albkit_load_balancer.shop.id
  servers       = [{ name = "canary", address = "127.0.0.1", port = var.server_ports[1] }]
}

resource "albkit_backend_service" "stable" {
  resource_id   = "shop/stable"
  load_balancer = albkit_load_balancer.shop.id
  protocol      = "HTTP"
  port          = var.server_ports[0]
  server_groups = [albkit_server_group.stable.id]
}

resource "albkit_backend_service" "canary" {
  resource_id   = "shop/canary"
  load_balancer = albkit_load_balancer.shop.id
  protocol      = "HTTP"
  port          = var.server_ports[1]
  server_groups = [albkit_server_group.canary.id]
}

resource "albkit_url_map" "routes" {
  resource_id   = "shop/routes"
  load_balancer = albkit_load_balancer.shop.id
  rules = [
    {
      # The API host goes to the canary.
      priority   = 10
      conditions = { hosts = ["api.example.com"] }
      action     = { forward = { backend_service = albkit_backend_service.canary.id } }
    },
    {
      # The old catalogue moved: a permanent redirect to the new path, keeping host, port and query.
      priority   = 20
      conditions = { paths = ["/catalogue/*"] }
      action     = { redirect = { path = "/shop/" } }
    },
    {
      # Health of the load balancer itself, answered without a backend.
      priority   = 30
      conditions = { paths = ["/ping"] }
      action     = { fixed_response = { status_code = 200, body = "pong" } }
    },
    {
      # Everything else under /shop: 90 % stable, 10 % canary.
      priority   = 40
      conditions = { paths = ["/shop/*"] }
      action = {
        weighted_forward = {
          targets = [
            { backend_service = albkit_backend_service.stable.id, weight = var.canary_weights[0] },
            { backend_service = albkit_backend_service.canary.id, weight = var.canary_weights[1] },
          ]
        }
      }
    },
  ]
}

resource "albkit_listener" "https" {
  resource_id     = "shop/https"
  load_balancer   = albkit_load_balancer.shop.id
  protocol        = "HTTPS"
  port            = var.https_port
  backend_service = albkit_backend_service.stable.id
  url_map         = albkit_url_map.routes.id
  certificate     = { cert_pem = file(var.cert_file), key_pem = file(var.key_file) }
}

# HTTP → HTTPS: every path answers 301 to the same host and path on the HTTPS port.
resource "albkit_url_map" "to_https" {
  resource_id   = "shop/to-https"
  load_balancer = albkit_load_balancer.shop.id
  rules = [{
    priority   = 1
    conditions = { paths = ["/*"] }
    action     = { redirect = { protocol = "HTTPS", port = var.https_port } }
  }]
}

resource "albkit_listener" "http" {
  resource_id     = "shop/http"
  load_balancer   = albkit_load_balancer.shop.id
  protocol        = "HTTP"
  port            = var.http_port
  backend_service = albkit_backend_service.stable.id
  url_map         = albkit_url_map.to_https.id
}
