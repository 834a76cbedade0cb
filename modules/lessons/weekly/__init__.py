"""Weekly slots of a group (the `courses.LessonSchedule` table) and their clash rules: what lessons are
generated from. The table stays in courses; the rules live with the lessons they produce."""
