"""Sessions: the info session, kick-off, joint workshops and sparring."""
