module dataplatform/cronref

go 1.24

// The version openfaas/cron-connector 0.7.0 builds with (its go.mod).
require github.com/robfig/cron/v3 v3.0.1
