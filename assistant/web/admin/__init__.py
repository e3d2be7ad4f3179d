"""管理 (admins only): one module per section of the tab, and the tab that assembles them.

Hiding the tab is only cosmetic: EVERY handler in these modules starts with
``admin_user(...)``, which reads the user from the authenticated session and the role from
the database, so a staff account calling these endpoints through the API is refused on the
server.
"""
from assistant.web.admin.tab import AdminTab

__all__ = ["AdminTab"]
