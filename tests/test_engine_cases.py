"""Small hand-made rounds shared by the engine tests (no tests of its own): each is small enough
for the brute-force search, and each stresses one rule."""
from engine.scenario import parse_scenario

HEAD = '[scenario]\nname = "{name}"\nticks = {ticks}\nobjective = "{objective}"\nwait_cost = {wait_cost}\n' \
       'handover = {handover}\nmax_open_orders = {max_open}\n'

TWO_WORKERS = '''
[[workers]]
name = "Ann"
role = "server"
chop = 3
cook = 4
plate = 1

[[workers]]
name = "Ben"
role = "chef"
chop = 1
cook = 2
plate = 3
'''

BURGER = '''
[recipes.burger]
tasks = ["chop", "cook", "plate"]
after = { plate = ["chop", "cook"] }
reward = 10
'''

SALAD = '''
[recipes.salad]
tasks = ["chop", "plate"]
after = { plate = ["chop"] }
reward = 6
'''


def small(name="case", ticks=12, objective="makespan", wait_cost=0, handover=0, max_open=0,
          orders=(("burger", 0, 2),), extra=""):
    text = HEAD.format(name=name, ticks=ticks, objective=objective, wait_cost=wait_cost,
                       handover=handover, max_open=max_open) + TWO_WORKERS + BURGER + SALAD + extra
    for dish, at, count in orders:
        text += f'\n[[orders]]\ndish = "{dish}"\nat = {at}\ncount = {count}\n'
    return parse_scenario(text, f"{name}.toml")


# name -> scenario; small enough for engine.exhaustive in well under a second each
CASES = {
    "plain": lambda: small("plain", ticks=12, orders=(("burger", 0, 2),)),
    "handover": lambda: small("handover", ticks=14, handover=1, orders=(("burger", 0, 1), ("salad", 0, 1))),
    "max-open": lambda: small("max-open", ticks=14, max_open=1, orders=(("salad", 0, 2), ("burger", 1, 1))),
    "arrivals": lambda: small("arrivals", ticks=12, orders=(("salad", 0, 1), ("burger", 2, 1), ("salad", 4, 1))),
    "reward": lambda: small("reward", ticks=6, objective="reward", wait_cost=1,
                            orders=(("burger", 0, 1), ("salad", 1, 2))),
    "reward-tight": lambda: small("reward-tight", ticks=5, objective="reward", wait_cost=0.5,
                                  orders=(("burger", 0, 1), ("salad", 2, 2))),
    "reward-max-open": lambda: small("reward-max-open", ticks=9, objective="reward", wait_cost=1, max_open=1,
                                     handover=1, orders=(("salad", 0, 2), ("burger", 0, 1))),
}
