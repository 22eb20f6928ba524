"""The 2017 demo: five WFP races with synthetic districts, doors, turfs and knocks."""
