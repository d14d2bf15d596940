"""Screens: welcome, dashboard, client detail, help."""
