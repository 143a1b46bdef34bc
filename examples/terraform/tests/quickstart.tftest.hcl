# `terraform test` for the quickstart: what the plan shows before anything exists, then a real apply (and the
# destroy terraform test does at the end). Run against an agent, from examples/terraform after `terraform init`:
#   terraform test -var state_dir=<the agent's state directory>

run "plan_shows_the_values_that_follow_from_the_configuration" {
  command = plan

  assert {
    condition     = albkit_listener.http.idle_timeout_seconds == 60 && albkit_listener.tcp.idle_timeout_seconds == 1800
    error_message = "a listener's idle timeout follows from its protocol (60 s HTTP, 1800 s TCP)"
  }

  assert {
    condition     = albkit_backend_service.web.health_check.protocol == "HTTP" && albkit_backend_service.tcp.health_check.protocol == "TCP"
    error_message = "a health check's protocol follows from its backend service's protocol"
  }

  assert {
    condition     = albkit_backend_service.tcp.algorithm == "WEIGHTED_ROUND_ROBIN" && albkit_backend_service.tcp.health_check.timeout_ms == 5000
    error_message = "defaults are shown at plan"
  }

  assert {
    condition     = albkit_listener.http.backend_service == "web/web-backend"
    error_message = "a reference to a resource being created is known at plan: its id is its resource_id"
  }
}

run "apply_creates_every_resource" {
  command = apply

  assert {
    condition     = albkit_listener.http.id == "web/http" && albkit_listener.tcp.id == "web/tcp"
    error_message = "the listeners exist with their resource ids"
  }

  assert {
    condition     = albkit_server_group.servers.servers[0].zone == var.zone
    error_message = "a server's zone defaults to its load balancer's"
  }
}
