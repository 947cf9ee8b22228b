"""Quiz exports for learning management systems: Moodle XML and Canvas QTI."""
