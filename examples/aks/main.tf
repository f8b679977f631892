# The shop's production cluster as the platform team declares it (azurerm provider 4.x). The live
# cluster, aks-shop-prod.json, was created from this and has since been changed by hand.

variable "admin_group_object_id" {
  description = "Entra ID group whose members are cluster admins"
  type        = string
  default     = "00000000-0000-0000-0000-0000000a0001"
}

variable "office_ip_ranges" {
  description = "Networks allowed to reach the API server"
  type        = list(string)
  default     = ["203.0.113.0/24", "198.51.100.17/32"]
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "shop" {
  name     = "rg-shop-prod"
  location = "westeurope"
}

resource "azurerm_log_analytics_workspace" "shop" {
  name                = "law-shop-prod"
  location            = azurerm_resource_group.shop.location
  resource_group_name = "rg-shop-monitoring"
  sku                 = "PerGB2018"
  retention_in_days   = 365
}

resource "azurerm_kubernetes_cluster" "prod" {
  name                = "aks-shop-prod"
  location            = azurerm_resource_group.shop.location
  resource_group_name = azurerm_resource_group.shop.name
  dns_prefix          = "aks-shop-prod-dns"
  kubernetes_version  = "1.35"
  sku_tier            = "Standard"

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "SecurityPatch"

  role_based_access_control_enabled = true
  local_account_disabled            = true
  run_command_enabled               = false
  azure_policy_enabled              = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  image_cleaner_enabled             = true
  image_cleaner_interval_hours      = 168
  disk_encryption_set_id            = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop-keys/providers/Microsoft.Compute/diskEncryptionSets/des-shop-prod"

  api_server_access_profile {
    authorized_ip_ranges = var.office_ip_ranges
  }

  azure_active_directory_role_based_access_control {
    tenant_id              = data.azurerm_client_config.current.tenant_id
    admin_group_object_ids = [var.admin_group_object_id]
    azure_rbac_enabled     = true
  }

  identity {
    type         = "UserAssigned"
    identity_ids = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-shop-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-shop-prod"]
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    os_sku                       = "AzureLinux"
    os_disk_type                 = "Ephemeral"
    os_disk_size_gb              = 128
    auto_scaling_enabled         = true
    min_count                    = 3
    max_count                    = 5
    max_pods                     = 110
    zones                        = ["1", "2", "3"]
    host_encryption_enabled      = true
    node_public_ip_enabled       = false
    only_critical_addons_enabled = true
    vnet_subnet_id               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop-network/providers/Microsoft.Network/virtualNetworks/vnet-shop-prod/subnets/snet-aks-nodes"

    upgrade_settings {
      max_surge                = "33%"
      drain_timeout_in_minutes = 30
    }
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    outbound_type       = "userDefinedRouting"
    load_balancer_sku   = "standard"
    pod_cidr            = "10.244.0.0/16"
    service_cidr        = "10.0.0.0/16"
    dns_service_ip      = "10.0.0.10"
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.shop.id
    msi_auth_for_monitoring_enabled = true
  }

  monitor_metrics {}

  microsoft_defender {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.shop.id
  }

  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  key_management_service {
    key_vault_key_id         = "https://kv-shop-prod-keys.vault.azure.net/keys/aks-etcd/00000000000000000000000000000001"
    key_vault_network_access = "Private"
  }

  tags = {
    costCenter  = "shop"
    environment = "production"
  }
}

# The application pool. Every node pool is checked, not only the default one.
resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                    = "apps"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.prod.id
  mode                    = "User"
  vm_size                 = "Standard_D8ds_v5"
  os_sku                  = "AzureLinux"
  os_disk_type            = "Ephemeral"
  os_disk_size_gb         = 128
  auto_scaling_enabled    = true
  min_count               = 3
  max_count               = 12
  max_pods                = 110
  zones                   = ["1", "2", "3"]
  host_encryption_enabled = true
  node_public_ip_enabled  = false
  vnet_subnet_id          = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop-network/providers/Microsoft.Network/virtualNetworks/vnet-shop-prod/subnets/snet-aks-nodes"

  node_labels = {
    workload = "shop"
  }
}

resource "azurerm_monitor_diagnostic_setting" "aks_audit" {
  name                           = "aks-audit-to-workspace"
  target_resource_id             = azurerm_kubernetes_cluster.prod.id
  log_analytics_workspace_id     = azurerm_log_analytics_workspace.shop.id
  log_analytics_destination_type = "Dedicated"

  enabled_log {
    category = "kube-audit-admin"
  }

  enabled_log {
    category = "guard"
  }
}
