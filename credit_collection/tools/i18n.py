"""What the collection writes for people, in the reader's language."""


def selection_label(record, field_name, value=None):
    """The label of a selection value in the language of ``record``'s environment (the record's own
    value by default): ``dict(SELECTION)`` would give the English label."""
    value = record[field_name] if value is None else value
    labels = dict(record._fields[field_name]._description_selection(record.env))
    return labels.get(value, value or "")
