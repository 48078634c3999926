"""Atom feeds of an area's new and closed public reports (django.contrib.syndication), through
requests_desk.public like every public output."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from requests_desk import transparency


class _AreaFeed(Feed):
    feed_type = Atom1Feed
    closed = False

    def get_object(self, request, code):
        area = transparency.area_by_code(code)
        if area is None:
            raise Http404
        return area

    def link(self, area):
        return reverse("areas:area", args=[area.code])

    def items(self, area):
        return transparency.area_reports(area, closed=self.closed, limit=transparency.FEED_LIMIT)

    def item_title(self, case):
        return f"{case.category_name} · {case.community_name} · {case.stage_label}"

    def item_description(self, case):
        parts = [case.description or "", case.address or ""]
        if self.closed and case.status_notes:
            parts.append(case.status_notes)
        return "\n".join(p for p in parts if p)

    def item_link(self, case):
        return reverse("requests_desk:status", args=[case.code])

    def item_pubdate(self, case):
        return case.created_at

    def item_updateddate(self, case):
        return case.updated_at


class NewReportsFeed(_AreaFeed):
    def title(self, area):
        return _("New reports in %(area)s") % {"area": area.name}

    def description(self, area):
        return self.title(area)


class ClosedReportsFeed(_AreaFeed):
    closed = True

    def title(self, area):
        return _("Closed reports in %(area)s") % {"area": area.name}

    def description(self, area):
        return self.title(area)
