package dev.tally.connectors;
