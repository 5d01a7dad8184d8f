import os

os.environ.setdefault("DJANGO_TESTING", "true")
