# The quickstart load balancer in HCL: one public load balancer on loopback (EIP 127.0.0.10) with an HTTP
# listener (two servers, weights 3 and 1, cookie persistence, health check on /) and a TCP listener.
# See README.md: start an agent, install the provider into a mirror, then `terraform init && terraform apply`.

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

resource "albkit_security_group" "web" {
  resource_id = "web-sg"
  ingress     = [{ cidr = "127.0.0.0/8" }]
}

resource "albkit_eip" "web" {
  resource_id = "web-eip"
  address     = var.eip_address
}

resource "albkit_load_balancer" "web" {
  resource_id     = "web"
  name            = "web"
  zones           = [var.zone]
  vpc             = { cidr = "127.0.0.0/8" }
  subnet          = { cidr = "127.0.0.0/24", address = "127.0.0.1" }
  security_groups = [albkit_security_group.web.id]
  eip             = albkit_eip.web.id
}

resource "albkit_server_group" "servers" {
  resource_id   = "web/servers"
  load_balancer = albkit_load_balancer.web.id
  servers = [
    { name = "a", address = "127.0.0.1", port = var.server_ports[0], weight = 3 },
    { name = "b", address = "127.0.0.1", port = var.server_ports[1], weight = 1 },
  ]
}

resource "albkit_backend_service" "web" {
  resource_id         = "web/web-backend"
  load_balancer       = albkit_load_balancer.web.id
  protocol            = "HTTP"
  port                = var.server_ports[0]
  server_groups       = [albkit_server_group.servers.id]
  session_persistence = { enabled = true, cookie_name = "ALBKIT_SERVER" }
  health_check = {
    path                = "/"
    interval_ms         = 2000
    timeout_ms          = 1000
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}

resource "albkit_listener" "http" {
  resource_id     = "web/http"
  load_balancer   = albkit_load_balancer.web.id
  protocol        = "HTTP"
  port            = var.http_port
  backend_service = albkit_backend_service.web.id
}

resource "albkit_server_group" "tcp" {
  resource_id   = "web/tcp-servers"
  load_balancer = albkit_load_balancer.web.id
  servers       = [{ name = "echo", address = "127.0.0.1", port = var.server_ports[1] }]
}

resource "albkit_backend_service" "tcp" {
  resource_id   = "web/tcp-backend"
  load_balancer = albkit_load_balancer.web.id
  protocol      = "TCP"
  port          = var.server_ports[1]
  server_groups = [albkit_server_group.tcp.id]
}

resource "albkit_listener" "tcp" {
  resource_id     = "web/tcp"
  load_balancer   = albkit_load_balancer.web.id
  protocol        = "TCP"
  port            = var.tcp_port
  backend_service = albkit_backend_service.tcp.id
}
