variable "state_dir" {
  description = "The albkit agent's state directory (its endpoint and token files); null to use ALBKIT_ENDPOINT / ALBKIT_TOKEN."
  type        = string
  default     = null
}

variable "zone" {
  description = "The load balancer's zone. Changing it replaces the load balancer and everything on it."
  type        = string
  default     = "local-a"
}

variable "eip_address" {
  description = "The load balancer's public address (an EIP); on loopback for the example."
  type        = string
  default     = "127.0.0.10"
}

variable "server_ports" {
  description = "Ports of the two backend servers on 127.0.0.1."
  type        = list(number)
  default     = [9001, 9002]
}

variable "http_port" {
  description = "The HTTP listener's port. Changing it replaces the listener."
  type        = number
  default     = 8080
}

variable "tcp_port" {
  description = "The TCP listener's port."
  type        = number
  default     = 8443
}
