"""Assignments: the pre-assignment, its submissions and feedback."""
