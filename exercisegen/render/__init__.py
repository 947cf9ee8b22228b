"""PDF output (reportlab): worksheets, step-by-step solutions, class packets, feedback and summaries.

Only the `write_*` functions touch files; they take a path or a binary file object.
"""

from __future__ import annotations

from exercisegen.render.writers import write_packet, write_solution, write_worksheet

__all__ = ["write_packet", "write_solution", "write_worksheet"]
