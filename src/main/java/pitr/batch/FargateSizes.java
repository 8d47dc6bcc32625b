package pitr.batch;

import java.util.ArrayList;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * The vCPU and memory combinations Fargate runs (the same as for ECS tasks on Fargate): 0.25 vCPU
 * with 512, 1024 or 2048 MiB; 0.5 with 1024-4096 in steps of 1024; 1 with 2048-8192 in steps of
 * 1024; 2 with 4096-16384 in steps of 1024; 4 with 8192-30720 in steps of 1024; 8 with 16384-61440
 * in steps of 4096; 16 with 32768-122880 in steps of 8192. A job definition with any other
 * combination registers, but its jobs never start.
 */
final class FargateSizes {
  /** vCPUs, lowest memory, highest memory and step, in MiB. */
  private static final double[][] SIZES = {
    {0.5, 1024, 4096, 1024},
    {1, 2048, 8192, 1024},
    {2, 4096, 16384, 1024},
    {4, 8192, 30720, 1024},
    {8, 16384, 61440, 4096},
    {16, 32768, 122880, 8192}
  };

  private FargateSizes() {}

  /** True when Fargate runs {@code vcpus} with {@code memoryMib}. */
  static boolean valid(double vcpus, int memoryMib) {
    if (vcpus == 0.25) {
      return memoryMib == 512 || memoryMib == 1024 || memoryMib == 2048;
    }
    for (double[] s : SIZES) {
      if (s[0] == vcpus) {
        return memoryMib >= s[1] && memoryMib <= s[2] && (memoryMib - s[1]) % s[3] == 0;
      }
    }
    return false;
  }

  /**
   * Refuses a combination Fargate does not run.
   *
   * @throws PitrException {@link ErrorCode#USAGE} listing the valid combinations
   */
  static void check(double vcpus, int memoryMib) {
    if (valid(vcpus, memoryMib)) {
      return;
    }
    List<String> lines = new ArrayList<>(List.of("0.25 vCPU: 512, 1024 or 2048"));
    for (double[] s : SIZES) {
      lines.add(
          JobDefinitions.number(s[0])
              + " vCPU: "
              + (int) s[1]
              + "-"
              + (int) s[2]
              + " in steps of "
              + (int) s[3]);
    }
    throw new PitrException(
        ErrorCode.USAGE,
        "Fargate does not run --vcpus "
            + JobDefinitions.number(vcpus)
            + " with --memory "
            + memoryMib
            + "; pass one of its combinations (memory in MiB): "
            + String.join("; ", lines)
            + ". Or pass --platform EC2");
  }
}
