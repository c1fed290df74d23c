"""The supervisor's desk: behind the supervisor password, the trainee list,
the replay viewer and each trainee's progress dashboard."""
