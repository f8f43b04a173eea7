// Command gpx_sloguard is the SLOGuard backend: a Grafana data-source plugin process.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/sloguard/sloguard/pkg/plugin"
)

func main() {
	if err := datasource.Manage(plugin.ID, plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("SLOGuard stopped", "error", err.Error())
		os.Exit(1)
	}
}
