"""The site bus: the kiosks of a site and the mediators' console talk through an
MQTT broker (mosquitto). No personal data on it: see :mod:`sitebus.messages`."""

from .broker import CONSOLE_USER, Broker, BrokerConfig, acl
from .kiosk import NO_ANSWER, NO_BROKER, NO_CONSOLE, BusListener, KioskBus
from .messages import FAULTS, STATES, Ack, Call, KioskState, MessageError, Topics

__all__ = [
    "CONSOLE_USER",
    "FAULTS",
    "NO_ANSWER",
    "NO_BROKER",
    "NO_CONSOLE",
    "STATES",
    "Ack",
    "Broker",
    "BrokerConfig",
    "BusListener",
    "Call",
    "KioskBus",
    "KioskState",
    "MessageError",
    "Topics",
    "acl",
]
