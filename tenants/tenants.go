// Package tenants embeds the organisation definitions of this directory, so
// the binary can load the demo tenants wherever it runs.
package tenants

import "embed"

// FS holds every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
