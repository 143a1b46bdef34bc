variable "state_dir" {
  description = "The albkit agent's state directory (its endpoint and token files); null to use ALBKIT_ENDPOINT / ALBKIT_TOKEN."
  type        = string
  default     = null
}

variable "server_ports" {
  description = "Ports of the stable and the canary server on 127.0.0.1."
  type        = list(number)
  default     = [9001, 9002]
}

variable "canary_weights" {
  description = "Weights of stable and canary for /shop/*; changing them updates the url map in place."
  type        = list(number)
  default     = [90, 10]
}

variable "http_port" {
  description = "The HTTP listener's port, which redirects to HTTPS."
  type        = number
  default     = 8080
}

variable "https_port" {
  description = "The HTTPS listener's port."
  type        = number
  default     = 8443
}

variable "cert_file" {
  description = "Path of the HTTPS listener's certificate chain, PEM (read by Terraform)."
  type        = string
  default     = "cert.pem"
}

variable "key_file" {
  description = "Path of the HTTPS listener's private key, PEM (read by Terraform)."
  type        = string
  default     = "key.pem"
}
