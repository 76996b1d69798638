#!/bin/sh
# Runs the stashflow launcher with the container's arguments unchanged, so `IMAGE update-status --flag=value`
# becomes `java -jar stashflow.jar update-status --flag=value`. JVM options go in JAVA_TOOL_OPTIONS, which the JVM
# reads itself; nothing here splits or re-quotes arguments.
exec java -jar /opt/stashflow/stashflow.jar "$@"
