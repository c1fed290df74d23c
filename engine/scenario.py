"""Scenario files: the TOML format of GAME.md, parsed into immutable objects.

Every fault is reported as one `ScenarioError` whose message names the file,
the place (table and key) and the problem, so a supervisor who mistyped a key
sees exactly where, and nothing else happens.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine import scenario_limits as limits
from engine.objective import Objective
from engine.scenario_limits import TableReader, one_line, shown

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "resources" / "scenarios"

SCENARIO_KEYS = {
    "name", "ticks", "seconds_per_tick", "objective", "wait_cost",
    "show_durations", "handover", "max_open_orders",
}
RECIPE_KEYS = {"tasks", "after", "reward", "types"}
ORDER_KEYS = {"dish", "at", "count"}
ARRIVAL_KEYS = {"dish", "rate", "from", "until"}
NOISE_KEYS = {"slow_prob"}
TOP_KEYS = {"scenario", "workers", "recipes", "orders", "noise", "arrivals"}


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says where and why."""

    def __init__(self, file: str, place: str, problem: str):
        # every part on one line: a quoted key or a file name may hold a newline
        self.file, self.place, self.problem = one_line(file, 300), one_line(place, 300), one_line(problem)
        where = f"{self.file}: {self.place}: " if place else f"{self.file}: "
        super().__init__(where + self.problem)


@dataclass(frozen=True)
class Worker:
    name: str
    role: str
    durations: dict[str, int]  # task type -> ticks, for the types the worker may take
    cannot: frozenset[str] = frozenset()  # task types this worker may never take (GAME.md)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"

    def can(self, task_type: str) -> bool:
        """Whether this worker may ever take tasks of this type (the kitchen's
        rulebook, engine.simulator.Kitchen.why_not, asks this)."""
        return task_type not in self.cannot

    def ticks(self, task_type: str) -> int | None:
        """This worker's duration for a task type, None for a type it may not take."""
        return self.durations[task_type] if self.can(task_type) else None


@dataclass(frozen=True)
class Recipe:
    name: str
    tasks: tuple[str, ...]          # task names, in file order
    types: dict[str, str]           # task name -> task type
    after: dict[str, tuple[str, ...]]  # task name -> tasks it waits for
    reward: int


@dataclass(frozen=True)
class Order:
    dish: str
    at: int


@dataclass(frozen=True)
class Arrival:
    dish: str
    rate: float
    start: int  # `from` in the file
    until: int


@dataclass(frozen=True)
class Scenario:
    name: str
    ticks: int
    seconds_per_tick: float
    objective: Objective
    wait_cost: float
    show_durations: bool
    handover: int
    max_open_orders: int
    workers: tuple[Worker, ...]
    recipes: dict[str, Recipe]
    orders: tuple[Order, ...]        # fixed orders, `count` expanded, file order
    arrivals: tuple[Arrival, ...] = ()
    slow_prob: float = 0.0
    text: str = field(default="", repr=False, compare=False)
    source: str = field(default="", compare=False)  # file path or bundled name

    def __post_init__(self):
        object.__setattr__(self, "objective", Objective(self.objective))  # a plain string is accepted too

    @property
    def stochastic(self) -> bool:
        return self.slow_prob > 0 or bool(self.arrivals)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def task_types(self) -> tuple[str, ...]:
        """Every task type used by a recipe, sorted, so indices are stable."""
        return tuple(sorted({t for r in self.recipes.values() for t in r.types.values()}))

    @property
    def key(self) -> str:
        """Short name: the bundled file stem, else the file's stem."""
        return Path(self.source).stem if self.source else self.name

    @property
    def higher_is_better(self) -> bool:
        return self.objective.higher_is_better

    @property
    def unit(self) -> str:
        """'turns' (makespan) or 'points' (reward)."""
        return self.objective.unit


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A path as given, or the bundled scenario of that name."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return p
    bundled = BUNDLED_DIR / f"{name_or_path}.toml"
    if bundled.exists():
        return bundled
    raise ScenarioError(str(name_or_path), "", "no such file and no bundled scenario of that name "
                        f"(bundled: {', '.join(bundled_names())})")


def load_scenario(name_or_path: str | Path) -> Scenario:
    path = resolve_path(name_or_path)
    try:
        with path.open("rb") as f:  # never more than a scenario can hold, whatever the file is
            data = f.read(limits.MAX_FILE_BYTES + 1)
        if len(data) > limits.MAX_FILE_BYTES:
            raise ScenarioError(str(path), "", f"too large to be a kitchen scenario (a scenario file "
                                f"has at most {limits.MAX_FILE_BYTES:,} bytes)")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), "", "file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(str(path), "", f"cannot read the file ({e})") from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    return _Parser(file).parse(text)


class _Parser(TableReader):
    def __init__(self, file: str):
        self.file = file

    def fail(self, place: str, problem: str):
        raise ScenarioError(self.file, place, problem)

    # -- the file ----------------------------------------------------------
    def parse(self, text: str) -> Scenario:
        too_much = limits.text_problem(text)
        if too_much:
            self.fail(*too_much)
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            self.fail("", f"not valid TOML: {e}")
        self._keys(doc, TOP_KEYS, "(top level)")
        if "scenario" not in doc:
            self.fail("[scenario]", "missing required table [scenario]")
        sc = doc["scenario"]
        self._keys(sc, SCENARIO_KEYS, "scenario")
        name = self._str(sc, "name", "scenario")
        ticks = self._int(sc, "ticks", "scenario", minimum=1, maximum=limits.MAX_TICKS,
                          limit=f"the horizon is at most {limits.MAX_TICKS} ticks")
        seconds = self._num(sc, "seconds_per_tick", "scenario", 4, lo=0, hi=3600)
        objective = self._str(sc, "objective", "scenario", "makespan")
        if objective not in set(Objective):
            self.fail("scenario.objective", f"must be 'makespan' or 'reward', not {objective!r}")
        wait_cost = self._num(sc, "wait_cost", "scenario", 0, lo=0, hi=limits.MAX_WAIT_COST)
        show = sc.get("show_durations", False)
        if not isinstance(show, bool):
            self.fail("scenario.show_durations", f"must be true or false, not {show!r}")
        handover = self._int(sc, "handover", "scenario", 0, minimum=0, maximum=limits.MAX_TICKS,
                             limit=f"the handover is at most {limits.MAX_TICKS} ticks (the longest horizon)")
        max_open = self._int(sc, "max_open_orders", "scenario", 0, minimum=0, maximum=limits.MAX_ORDERS,
                             limit=f"a round has at most {limits.MAX_ORDERS} orders")

        recipes = self._recipes(doc)
        used_types = {t for r in recipes.values() for t in r.types.values()}
        workers = self._workers(doc, used_types)
        orders = self._orders(doc, recipes, ticks)
        arrivals = self._arrivals(doc, recipes, ticks, len(orders))
        if not orders and not arrivals:
            self.fail("orders", "the scenario needs at least one [[orders]] or [[arrivals]] entry")
        slow_prob = 0.0
        if "noise" in doc:
            self._keys(doc["noise"], NOISE_KEYS, "noise")
            slow_prob = float(self._num(doc["noise"], "slow_prob", "noise", 0.0, lo=0, hi=1))
        return Scenario(
            name=name, ticks=ticks, seconds_per_tick=seconds, objective=objective,
            wait_cost=wait_cost, show_durations=show, handover=handover,
            max_open_orders=max_open, workers=workers, recipes=recipes,
            orders=orders, arrivals=arrivals, slow_prob=slow_prob, text=text,
            source=self.file,
        )

    def _recipes(self, doc) -> dict[str, Recipe]:
        raw = doc.get("recipes")
        if not raw:
            self.fail("recipes", "the scenario needs at least one recipe ([recipes.<dish>])")
        if not isinstance(raw, dict):
            self.fail("recipes", "must be a table of recipes ([recipes.<dish>])")
        if len(raw) > limits.MAX_RECIPES:
            self.fail("recipes", f"a kitchen has at most {limits.MAX_RECIPES} recipes, not {len(raw):,}")
        out = {}
        for dish, r in raw.items():
            place = f"recipes.{dish}"
            self._name_length(place, dish)
            self._keys(r, RECIPE_KEYS, place)
            tasks = r.get("tasks")
            if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t for t in tasks):
                self.fail(f"{place}.tasks", "must be a non-empty list of task names")
            if len(tasks) > limits.MAX_TASKS_PER_RECIPE:
                self.fail(f"{place}.tasks", f"a recipe has at most {limits.MAX_TASKS_PER_RECIPE} tasks, "
                          f"not {len(tasks):,}")
            for t in tasks:
                self._name_length(f"{place}.tasks", t)
            if len(set(tasks)) != len(tasks):
                self.fail(f"{place}.tasks", "names a task twice (name repeats chop2, chop3, ... with a types table)")
            types_raw = r.get("types", {})
            if not isinstance(types_raw, dict):
                self.fail(f"{place}.types", "must be a table task = type")
            for t, ty in types_raw.items():
                if t not in tasks:
                    self.fail(f"{place}.types.{t}", f"unknown task '{t}' (tasks: {', '.join(tasks)})")
                if not isinstance(ty, str) or not ty:
                    self.fail(f"{place}.types.{t}", "must be a task type name")
                self._name_length(f"{place}.types.{t}", ty)
            types = {t: types_raw.get(t, t) for t in tasks}
            after_raw = r.get("after", {})
            if not isinstance(after_raw, dict):
                self.fail(f"{place}.after", "must be a table task = [tasks it waits for]")
            after = {}
            for t, pre in after_raw.items():
                if t not in tasks:
                    self.fail(f"{place}.after.{t}", f"unknown task '{t}' (tasks: {', '.join(tasks)})")
                if not isinstance(pre, list) or not all(isinstance(p, str) for p in pre):
                    self.fail(f"{place}.after.{t}", "must be a list of task names")
                for p in pre:
                    if p not in tasks:
                        self.fail(f"{place}.after.{t}", f"unknown task '{p}' (tasks: {', '.join(tasks)})")
                if len(set(pre)) != len(pre):
                    self.fail(f"{place}.after.{t}", "names a task twice")
                after[t] = tuple(pre)
            self._check_acyclic(place, tasks, after)
            reward = self._int(r, "reward", place, 10, minimum=-limits.MAX_REWARD, maximum=limits.MAX_REWARD,
                               limit=f"a dish's reward is at most {limits.MAX_REWARD} points")
            out[dish] = Recipe(dish, tuple(tasks), types, {t: after.get(t, ()) for t in tasks}, reward)
        return out

    def _check_acyclic(self, place, tasks, after):
        state: dict[str, int] = {}  # 1 = on the stack, 2 = finished

        def visit(t, path):
            if state.get(t) == 2:
                return
            if state.get(t) == 1:
                cycle = path[path.index(t):] + [t]
                self.fail(f"{place}.after", "precedence cycle: " + " -> ".join(cycle))
            state[t] = 1
            for p in after.get(t, ()):
                visit(p, path + [t])
            state[t] = 2

        for t in tasks:
            visit(t, [])

    def _workers(self, doc, used_types) -> tuple[Worker, ...]:
        raw = self._array_of_tables(doc, "workers")
        if not raw:
            self.fail("workers", "the scenario needs at least one worker ([[workers]])")
        if len(raw) > limits.MAX_WORKERS:
            self.fail("workers", f"a kitchen has at most {limits.MAX_WORKERS} workers, not {len(raw):,}")
        out, names = [], set()
        for i, w in enumerate(raw):
            place = f"workers[{i}]"
            name = self._str(w, "name", place)
            role = self._str(w, "role", place)
            place = f"workers[{i}] ({name})"
            if name in names:
                self.fail(f"{place}.name", f"two workers are named '{name}'")
            names.add(name)
            cannot = self._cannot(w, place, used_types)
            durations = {}
            for k, v in w.items():
                if k in ("name", "role", "cannot"):
                    continue
                if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                    self.fail(f"{place}.{k}", f"duration must be a whole number >= 1, not {shown(v)}")
                if v > limits.MAX_TICKS:
                    # not the round's own horizon: a duration past it is how a test says "cannot finish"
                    self.fail(f"{place}.{k}", f"a duration is at most {limits.MAX_TICKS} ticks (the longest "
                              f"horizon), not {shown(v)}")
                if k not in used_types:
                    self.fail(f"{place}.{k}", f"unknown task type '{k}' (types used by recipes: "
                              f"{', '.join(sorted(used_types))})")
                if k not in cannot:  # a duration for a type the worker may not take is never used
                    durations[k] = v
            for t in sorted(used_types - cannot):
                if t not in durations:
                    self.fail(place, f"missing duration for task type '{t}'")
            out.append(Worker(name, role, durations, cannot))
        for t in sorted(used_types):
            if all(t in w.cannot for w in out):
                self.fail("workers", f"no worker can do task type '{t}': every worker has it in 'cannot'")
        return tuple(out)

    def _cannot(self, w, place, used_types) -> frozenset[str]:
        """A worker's `cannot = ["plate", ...]`: task types it may never take."""
        raw = w.get("cannot", [])
        if not isinstance(raw, list) or not all(isinstance(c, str) and c for c in raw):
            self.fail(f"{place}.cannot", f"must be a list of task types, like cannot = [\"plate\"], not {shown(raw)}")
        for c in raw:
            if c not in used_types:
                self.fail(f"{place}.cannot", f"unknown task type '{one_line(c)}' (types used by recipes: "
                          f"{', '.join(sorted(used_types))})")
        return frozenset(raw)

    def _orders(self, doc, recipes, ticks) -> tuple[Order, ...]:
        out = []
        for i, o in enumerate(self._array_of_tables(doc, "orders")):
            place = f"orders[{i}]"
            self._keys(o, ORDER_KEYS, place)
            dish = self._str(o, "dish", place)
            if dish not in recipes:
                self.fail(f"{place}.dish", f"unknown dish '{dish}' (recipes: {', '.join(recipes)})")
            at = self._int(o, "at", place, 0, minimum=0)
            if at >= ticks:
                self.fail(f"{place}.at", f"order arrives at tick {at}, at or after the horizon ({ticks} ticks)")
            room = limits.MAX_ORDERS - len(out)
            count = self._int(o, "count", place, 1, minimum=1, maximum=room,
                              limit=f"a round has at most {limits.MAX_ORDERS} orders"
                                    + (f" ({len(out)} before this entry)" if out else ""))
            out.extend(Order(dish, at) for _ in range(count))
        return tuple(out)

    def _arrivals(self, doc, recipes, ticks, n_orders) -> tuple[Arrival, ...]:
        out = []
        expected = float(n_orders)  # orders of a round, counting the arrivals' expected number
        entries = self._array_of_tables(doc, "arrivals")
        if len(entries) > limits.MAX_ARRIVALS:
            self.fail("arrivals", f"at most {limits.MAX_ARRIVALS} [[arrivals]] entries, not {len(entries):,}")
        for i, a in enumerate(entries):
            place = f"arrivals[{i}]"
            self._keys(a, ARRIVAL_KEYS, place)
            dish = self._str(a, "dish", place)
            if dish not in recipes:
                self.fail(f"{place}.dish", f"unknown dish '{dish}' (recipes: {', '.join(recipes)})")
            rate = self._num(a, "rate", place, None if "rate" in a else 0, lo=0)
            if "rate" not in a:
                self.fail(place, "missing required key 'rate'")
            start = self._int(a, "from", place, 0, minimum=0)
            until = self._int(a, "until", place, ticks, minimum=0)
            if start >= ticks:
                self.fail(f"{place}.from", f"arrivals start at tick {start}, at or after the horizon ({ticks} ticks)")
            if until > ticks:
                self.fail(f"{place}.until", f"arrivals run until tick {until}, after the horizon ({ticks} ticks)")
            if until <= start:
                self.fail(f"{place}.until", f"must be after 'from' ({start}), not {until}")
            expected += rate * (until - start)
            if expected > limits.MAX_ORDERS:
                self.fail(f"{place}.rate", f"a round has at most {limits.MAX_ORDERS} orders, and {shown(rate)} "
                          f"per tick from tick {start} to {until} gives more (with the orders before it)")
            out.append(Arrival(dish, float(rate), start, until))
        return tuple(out)
