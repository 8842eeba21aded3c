-- wrk script: every request is a POST of a 1 MiB body (the app reads and discards it).
wrk.method = "POST"
wrk.body = string.rep("a", 1024 * 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
