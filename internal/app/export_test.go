package app

// SetAudit turns the audit of reads and changes on or off for the
// applications built after it (on by default), for the benchmark of its cost.
func SetAudit(on bool) { noAudit = !on }
