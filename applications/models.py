"""Applications: the window, the form, review, interviews and selection."""
