"""The helpline's own data, kept by the declarations service with the rest of the correspondence:
contacts in thematic queues, surveys after them, chatbot transcripts."""
