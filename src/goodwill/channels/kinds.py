"""The channels a conversation or message can arrive on. Pure."""

from enum import StrEnum


class ChannelKind(StrEnum):
    EMAIL = "email"
    WEB_FORM = "web_form"
    CHAT = "chat"
    PHONE = "phone"
    SOCIAL = "social"
    SMS = "sms"
    PORTAL = "portal"
    API = "api"
