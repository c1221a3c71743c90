// Command s3 serves an S3-compatible API for local runs and tests of the object-store raw driver.
//
// On faasd the raw layer lives in a real object store (MinIO, Garage, SeaweedFS…); here, where no
// such server can be installed, gofakes3 answers the same S3 REST calls (PUT/GET/HEAD/DELETE object,
// ListObjectsV2, multi-delete) with objects kept in a bolt file or in memory. Given a key pair, it also
// checks every request's signature (verifySignature.go), which gofakes3 alone does not.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:9100", "TCP address to listen on")
	file := flag.String("db", "", "bolt file holding the objects; empty keeps them in memory")
	bucket := flag.String("bucket", "", "bucket to create at start (optional)")
	accessKey := flag.String("access-key", "", "access key id requests must be signed with (Signature Version 4); empty accepts any request")
	secretKey := flag.String("secret-key", "", "secret access key that goes with -access-key")
	region := flag.String("region", "us-east-1", "region requests must be signed for")
	flag.Parse()

	var backend gofakes3.Backend
	if *file == "" {
		backend = s3mem.New()
	} else {
		b, err := s3bolt.NewFile(*file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "s3: open %s: %v\n", *file, err)
			os.Exit(1)
		}
		backend = b
	}
	if *bucket != "" {
		if err := backend.CreateBucket(*bucket); err != nil && !gofakes3.IsAlreadyExists(err) {
			fmt.Fprintf(os.Stderr, "s3: create bucket %s: %v\n", *bucket, err)
			os.Exit(1)
		}
	}
	var handler http.Handler = gofakes3.New(backend).Server()
	if *accessKey != "" {
		handler = requireSignature(handler, *accessKey, *secretKey, *region)
	}
	fmt.Fprintf(os.Stderr, "s3: listening on %s\n", *listen)
	if err := http.ListenAndServe(*listen, handler); err != nil {
		fmt.Fprintf(os.Stderr, "s3: %v\n", err)
		os.Exit(1)
	}
}
