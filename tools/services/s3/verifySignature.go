package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// gofakes3 accepts any Authorization header. With a key pair configured, requireSignature puts a real
// check in front of it: each request's AWS Signature Version 4 is computed again by the AWS SDK for Go's
// own signer from what arrived (method, path, query, the signed headers, the payload hash), and a request
// whose signature differs — or whose body does not match its signed hash — gets S3's 403 answer.

var authorization = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)

func refuse(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, message)
}

func requireSignature(next http.Handler, accessKey, secretKey, region string) http.Handler {
	signer := v4.NewSigner(func(options *v4.SignerOptions) {
		// S3 signs the path as sent; it is not encoded a second time.
		options.DisableURIPathEscaping = true
	})
	credentials := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := authorization.FindStringSubmatch(r.Header.Get("Authorization"))
		if parts == nil {
			refuse(w, "AccessDenied", "a Signature Version 4 Authorization header is required")
			return
		}
		if parts[1] != accessKey || parts[3] != region {
			refuse(w, "InvalidAccessKeyId", "unknown access key or region")
			return
		}
		signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		if err != nil || signedAt.Format("20060102") != parts[2] {
			refuse(w, "AccessDenied", "X-Amz-Date is missing or does not match the credential scope")
			return
		}
		payloadHash := r.Header.Get("X-Amz-Content-Sha256")
		if payloadHash != "UNSIGNED-PAYLOAD" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				refuse(w, "IncompleteBody", err.Error())
				return
			}
			sum := sha256.Sum256(body)
			if hex.EncodeToString(sum[:]) != payloadHash {
				refuse(w, "XAmzContentSHA256Mismatch", "the body does not match X-Amz-Content-Sha256")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		// The request again, with only the headers the client signed.
		again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
		for _, name := range strings.Split(parts[4], ";") {
			if name != "host" {
				again.Header.Set(name, r.Header.Get(name))
			}
		}
		if err := signer.SignHTTP(context.Background(), credentials, again, payloadHash, "s3", region, signedAt); err != nil {
			refuse(w, "AccessDenied", err.Error())
			return
		}
		if again.Header.Get("Authorization") != r.Header.Get("Authorization") {
			refuse(w, "SignatureDoesNotMatch", "the request signature does not match the one computed with the configured key")
			return
		}
		next.ServeHTTP(w, r)
	})
}
