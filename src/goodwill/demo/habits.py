"""The demo agents and their planted habits: speed, greeting, asking, thanking, keeping promises."""

from dataclasses import dataclass

DEMO_DOMAIN = "hearthware.example"


@dataclass(frozen=True, slots=True)
class Habits:
    """Per-conversation probabilities (and one speed) that make an agent recognisable in the data.

    `first_reply_minutes` is the median business time to a first email reply; other channels,
    priorities and later replies scale it (see catalog.ChannelSpec.agent_speed).
    """

    first_reply_minutes: float
    greets_by_name: float  # opens with "Hi <first name>"
    asks_needs: float  # asks what the customer needs before solving
    thanks: float  # thanks the customer and offers more help when closing
    keeps_promises: float  # does what they said, by when they said
    writes_notes: float  # leaves an internal note


@dataclass(frozen=True, slots=True)
class AgentSpec:
    key: str  # stable; the local part of the email address
    name: str
    role: str  # admin | manager | agent
    teams: tuple[str, ...]
    capacity: int
    habits: Habits

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def email(self, admin_email: str) -> str:
        return admin_email if self.role == "admin" else f"{self.key}@{DEMO_DOMAIN}"


_ORDERS, _TECH, _BILLING = "Orders & Delivery", "Technical", "Billing"
ROSTER = (
    AgentSpec("alex.morgan", "Alex Morgan", "admin", (), 0, Habits(60, 0.8, 0.7, 0.8, 0.9, 0.1)),
    AgentSpec(
        "sarah.okafor",
        "Sarah Okafor",
        "manager",
        (_ORDERS, _BILLING),
        12,
        Habits(90, 0.90, 0.80, 0.90, 0.95, 0.25),
    ),
    AgentSpec(
        "daniel.brooks",
        "Daniel Brooks",
        "manager",
        (_TECH,),
        12,
        Habits(120, 0.70, 0.70, 0.70, 0.90, 0.20),
    ),
    # The star: fast, warm, asks, thanks, keeps her word.
    AgentSpec(
        "priya.shah",
        "Priya Shah",
        "agent",
        (_ORDERS, _BILLING),
        25,
        Habits(30, 0.95, 0.85, 0.90, 0.95, 0.10),
    ),
    # Slow and sloppy: rarely greets or asks, often forgets what he promised.
    AgentSpec(
        "tom.whitaker",
        "Tom Whitaker",
        "agent",
        (_ORDERS,),
        25,
        Habits(420, 0.30, 0.30, 0.40, 0.50, 0.05),
    ),
    AgentSpec(
        "mei.chen", "Mei Chen", "agent", (_TECH,), 25, Habits(60, 0.85, 0.90, 0.60, 0.90, 0.20)
    ),
    # Promises the moon: a pleasant writer who keeps only six promises in ten.
    AgentSpec(
        "lucas.ferreira",
        "Lucas Ferreira",
        "agent",
        (_TECH,),
        25,
        Habits(150, 0.50, 0.60, 0.80, 0.60, 0.10),
    ),
    # Warm but slow.
    AgentSpec(
        "grace.mensah",
        "Grace Mensah",
        "agent",
        (_ORDERS,),
        25,
        Habits(300, 0.90, 0.50, 0.95, 0.85, 0.15),
    ),
    # Fast but curt.
    AgentSpec(
        "oliver.grant",
        "Oliver Grant",
        "agent",
        (_BILLING,),
        25,
        Habits(40, 0.20, 0.40, 0.30, 0.90, 0.05),
    ),
    AgentSpec(
        "hannah.lewis",
        "Hannah Lewis",
        "agent",
        (_TECH,),
        25,
        Habits(120, 0.60, 0.75, 0.60, 0.80, 0.15),
    ),
    AgentSpec(
        "jamal.carter",
        "Jamal Carter",
        "agent",
        (_BILLING, _TECH),
        25,
        Habits(75, 0.75, 0.65, 0.75, 0.75, 0.10),
    ),
    # Friendly, but breaks most of her promises.
    AgentSpec(
        "sofia.romano",
        "Sofia Romano",
        "agent",
        (_ORDERS,),
        25,
        Habits(120, 0.80, 0.70, 0.50, 0.30, 0.10),
    ),
)

# Who assigns a manual team's conversations (or an overflowing team's) by hand.
TEAM_MANAGERS = {_ORDERS: "sarah.okafor", _TECH: "daniel.brooks", _BILLING: "sarah.okafor"}
