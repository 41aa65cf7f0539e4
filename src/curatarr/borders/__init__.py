"""The border replacer's pure logic: colours, holiday schedules, the pixel work, the run state and
the live preview. ``modules/border_replacerr.py`` drives it; ``api/border_replacerr.py`` serves the
preview."""
