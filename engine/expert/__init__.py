"""The expert: a policy-gradient policy acting one worker at a time over masked
legal actions (features, network, training), the shipped weights (trained),
its play-outs and one-worker-at-a-time rollout, the move scorer built on them,
and the measurement of its verdicts against the exact optimum."""
