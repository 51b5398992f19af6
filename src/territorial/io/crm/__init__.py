"""Files a CRM loads as they are: Salesforce Territory Management, HubSpot, Zoho CRM."""

from territorial.io.crm.developer_names import developer_name, developer_names, is_developer_name
from territorial.io.crm.ids import CRM_NAMES, Crm, account_crm_id, salesforce_user_id
from territorial.io.crm.package import CrmPackage, CsvFile
from territorial.io.crm.salesforce import (
    KnownIds,
    check_salesforce_package,
    read_salesforce_ids,
    read_salesforce_users,
    salesforce_package,
)
from territorial.io.crm.simple import crm_accounts_file

__all__ = [
    "CRM_NAMES",
    "Crm",
    "CrmPackage",
    "CsvFile",
    "KnownIds",
    "account_crm_id",
    "check_salesforce_package",
    "crm_accounts_file",
    "developer_name",
    "developer_names",
    "is_developer_name",
    "read_salesforce_ids",
    "read_salesforce_users",
    "salesforce_package",
    "salesforce_user_id",
]
