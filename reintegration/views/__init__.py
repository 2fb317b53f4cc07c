"""Reintegration pages. HTTP only: cases are reached through cases.access (via
reintegration.selectors for records hanging off a case), writes through the services."""

from .panel import case_panel

__all__ = ["case_panel"]
