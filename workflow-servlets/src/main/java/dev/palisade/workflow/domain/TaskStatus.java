package dev.palisade.workflow.domain;

public enum TaskStatus {
    OPEN,
    APPROVED,
    REJECTED
}
