#!/bin/bash
# Writes a small chat history with the previous build (see README.md here).
# usage: TROUPE_JAR=<previous troupe.jar> make-databases.sh <name> [TROUPE_*=... settings]
set -u
NAME=$1; shift
DIR=${WORK:-/tmp/troupe-prev}/$NAME; rm -rf $DIR; mkdir -p $DIR/data
free() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
HTTP=$(free); CP=$(free)
cd $DIR
env TROUPE_DATA_DIR=$DIR/data TROUPE_HTTP_PORT=$HTTP TROUPE_CLUSTER_NAME=gen-$NAME-$$ \
  TROUPE_CLUSTER_PORT=$CP TROUPE_CLUSTER_MEMBERS=127.0.0.1:$CP "$@" \
  java -jar "${TROUPE_JAR:?set TROUPE_JAR to the previous build jar}" up > $DIR/log 2>&1 &
PID=$!
B=http://127.0.0.1:$HTTP
for i in $(seq 1 120); do curl -sf $B/health/ready >/dev/null && break; sleep 1; done
curl -s -o /dev/null -w '%{http_code}\n' $B/health/ready
j() { curl -s -X "$1" "$B$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; echo; }
j PUT /api/v1/chat/rooms/lounge/members/alice
j PUT /api/v1/chat/rooms/lounge/members/bob
j PUT /api/v1/chat/rooms/den~1/members/carol
j PUT /api/v1/chat/rooms/den~1/members/alice
for n in $(seq 1 105); do j POST /api/v1/chat/rooms/lounge/messages "{\"from\":\"alice\",\"text\":\"lounge message $n\"}" >/dev/null; done
j POST /api/v1/chat/rooms/den~1/messages '{"from":"carol","text":"den hello"}'
j POST /api/v1/chat/rooms/den~1/messages '{"from":"alice","text":"den reply"}'
j POST /api/v1/chat/rooms/lounge/read '{"user":"bob","seq":100}'
j POST /api/v1/chat/rooms/den~1/read '{"user":"carol","seq":1}'
j PUT /api/v1/docs/books/dune '{"title":"Dune"}'
j GET /api/v1/chat/users/bob
j GET /api/v1/chat/users/carol
j GET /api/v1/chat/users/alice
j GET '/api/v1/chat/rooms/lounge/messages?user=bob&after=0&limit=2'
# A clean stop: the database is closed before the file is taken.
kill -TERM $PID

wait $PID
echo stopped
