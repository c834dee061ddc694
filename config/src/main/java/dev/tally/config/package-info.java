package dev.tally.config;
