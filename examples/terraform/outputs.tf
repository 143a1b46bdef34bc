output "http_url" {
  description = "Where the HTTP listener serves."
  value       = "http://127.0.0.1:${albkit_listener.http.port}/"
}

output "load_balancer_id" {
  value = albkit_load_balancer.web.id
}
