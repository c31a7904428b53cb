// The Board's types (states, alerts, wording) are part of every PipetopCore user's vocabulary.
@_exported import PipetopBoard
