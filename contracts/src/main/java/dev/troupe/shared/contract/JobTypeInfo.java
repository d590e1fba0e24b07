package dev.troupe.shared.contract;

import java.util.List;

/**
 * A registered user job type, as its handlers describe it ({@link JobTypeContract#DESCRIBE}).
 *
 * @param type its name
 * @param inputs what its jobs may read, at least one
 */
public record JobTypeInfo(String type, List<JobInput> inputs) {
  public JobTypeInfo {
    JobsContract.requireUserType(type);
    if (inputs == null || inputs.isEmpty()) {
      throw TroupeException.badRequest("a job type takes at least one input");
    }
    inputs = List.copyOf(inputs);
  }
}
