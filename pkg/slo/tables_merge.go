package slo

import "errors"

// Or returns t with every empty name taken from fallback: data-source settings over the
// config's `tables:` section, say.
func (t Tables) Or(fallback Tables) Tables {
	fb := fallback.fields()
	for i, f := range t.fields() {
		if *f.value == "" {
			*f.value = *fb[i].value
		}
	}
	return t
}

// ValidateSettings checks the names set in a data source's jsonData (empty ones take
// defaults later), with jsonData paths such as "requestLogs.statusCode".
func (t Tables) ValidateSettings() Diagnostics {
	var ds Diagnostics
	for _, f := range t.fields() {
		if *f.value == "" {
			continue
		}
		if msg := checkIdentifier(*f.value, f.qualified); msg != "" {
			ds = append(ds, Diagnostic{Severity: SeverityError, Path: f.jsonPath, Message: msg})
		}
	}
	return ds
}

// ValidateIdentifier checks a column name: a plain SQL identifier, no dots.
func ValidateIdentifier(name string) error {
	return identifierError(checkIdentifier(name, false))
}

// ValidateTableName checks a table name: a plain SQL identifier, optionally "schema.table".
func ValidateTableName(name string) error {
	return identifierError(checkIdentifier(name, true))
}

func identifierError(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}
