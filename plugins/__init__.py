"""Built-in plugins, offered to every tenant and enabled per tenant.

Partner plugins live in their own distributions and are found through the
``carepurse`` entry-point group; they follow the same contract as these.
"""

from plugins.accreditation import Accreditation
from plugins.budget_monitoring import BudgetMonitoring
from plugins.council_branding import CouncilBranding
from plugins.oidc_sign_in import OidcSignIn
from plugins.ordering import Ordering
from plugins.service_notice import ServiceNotice

BUILTIN_PLUGINS: list[type] = [
    CouncilBranding,
    ServiceNotice,
    OidcSignIn,
    BudgetMonitoring,
    Accreditation,
    Ordering,
]
