"""The web app: pages (Jinja2 + htmx) with JSON twins under ``/api``, and the map (Leaflet).

Start it with ``territorial serve`` or build it with :func:`territorial.web.app.create_app`.
"""
